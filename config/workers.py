"""What a web worker process does once, before its first request (gunicorn's ``post_worker_init``
hook in gunicorn.conf.py; the benchmark calls it too, as it stands for a worker).

A fresh worker's first PDF used to cost 1.1-1.5 s more than the next ones: importing WeasyPrint,
loading the fonts, the first layout. ``ready`` pays that before the worker accepts requests, then
moves everything alive at that point (Django, WeasyPrint, the fonts: some 190,000 objects) out of the
garbage collector's sight with ``gc.freeze()``. Those objects live as long as the process anyway;
without the freeze, each full collection walked them all, 80-250 ms that fell inside whichever PDF
was being rendered, which were the slow certificates. ``WPO_WARM_UP=0`` switches both off.
"""

import gc
import logging
import os
import time

logger = logging.getLogger(__name__)


def ready() -> None:
    if os.environ.get("WPO_WARM_UP", "1") == "0":
        return
    started = time.perf_counter()
    try:
        from django.urls import get_resolver

        get_resolver().reverse_dict  # noqa: B018 - imports every app's views and URLs, as a first request would
        from wpo.certificates.pdf import warm_up

        warm_up()
    except Exception:  # a worker that cannot warm up still serves; its first PDF is slower
        logger.exception("PDF warm-up failed")
    gc.collect()
    gc.freeze()
    logger.info("Worker warmed up in %.0f ms", (time.perf_counter() - started) * 1000)
