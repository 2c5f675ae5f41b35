"""Schema and annotation checker for bench/nlp_qdev: bench/nlp_unseen/check.py (the same rules,
the same annotator's judgement calls) run on this folder.

    python3 bench/nlp_qdev/check.py [-v]
"""

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if not [a for a in sys.argv[1:] if not a.startswith("-")]:
    sys.argv.insert(1, str(HERE))
runpy.run_path(str(HERE.parent / "nlp_unseen" / "check.py"), run_name="__main__")
