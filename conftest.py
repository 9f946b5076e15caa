import os

# Playwright runs its own event loop in the test thread; Django must still allow sync DB access there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
