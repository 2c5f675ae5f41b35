"""[core] hostname_callable for the cluster test: both Celery workers run on one machine, so each
gets its own hostname from NEWSFLOW_CLUSTER_HOSTNAME (task instances record it). Other
components (scheduler, api-server) have the variable unset and get the machine's FQDN.

Airflow imports this as ``nfc_hostname.hostname`` (tests/cluster is on their PYTHONPATH).
"""

from __future__ import annotations

import os
import socket


def hostname() -> str:
    return os.environ.get("NEWSFLOW_CLUSTER_HOSTNAME") or socket.getfqdn()
