"""jobtrack over HTTP: a JSON API any frontend can use, and a web app of its own.

Install with ``pip install 'jobtrack[web]'``, then ``jobtrack serve`` (see docs/api.md).

>>> import jobtrack
>>> from jobtrack_web import create_app
>>> app = create_app(jobtrack.connect("memory://"))
"""

from jobtrack_web.app import create_app
from jobtrack_web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]
