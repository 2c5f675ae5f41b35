# The image every Airflow service of docker-compose.yaml runs: the official Airflow image, the
# runtime lock only (requirements.txt; tests and benchmarks use requirements-dev.txt, never here),
# and the project's code, so workers need no bind mount: the lake is an s3:// URI.
FROM apache/airflow:3.3.2-python3.11

# apache-airflow is pinned in the lock too; naming it keeps pip from ever moving Airflow itself.
COPY --chown=airflow:root requirements.txt /requirements.txt
RUN pip install --no-cache-dir "apache-airflow==${AIRFLOW_VERSION}" -r /requirements.txt

# The DAGs, the plugins (plugins/newsflow_airflow.py, the UI) and include/ (the newsflow package,
# sources.yaml, extractors.yaml, gazetteers, sql) where Airflow and plugins/ expect them.
COPY --chown=airflow:root dags/ /opt/airflow/dags/
COPY --chown=airflow:root plugins/ /opt/airflow/plugins/
COPY --chown=airflow:root include/ /opt/airflow/include/
ENV PYTHONPATH=/opt/airflow/include
