from django import template

from wpo.lib.pdf import svg_data_uri

register = template.Library()
# An SVG as a data: URI for <img>: the CSP allows data: images, and ids inside inline SVGs could clash.
register.filter("svg_data_uri", svg_data_uri)
