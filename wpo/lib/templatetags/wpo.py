from django import template

from wpo.lib.pdf import svg_data_uri
from wpo.lib.urls import fixed_static, fixed_url

register = template.Library()
# An SVG as a data: URI for <img>: the CSP allows data: images, and ids inside inline SVGs could clash.
register.filter("svg_data_uri", svg_data_uri)
# {% url %} and {% static %} for the URLs that are the same on every page (wpo/lib/urls.py).
register.simple_tag(fixed_url, name="fixed_url")
register.simple_tag(fixed_static, name="fixed_static")
