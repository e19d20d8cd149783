"""The hosted connect pages, under ``/connect/`` (the API is under ``/api/v1/connect/``)."""

from django.urls import re_path

from connect import pages

app_name = "connect"
urlpatterns = [
    re_path(r"^(?P<token>cst_[A-Za-z0-9_-]{1,200})$", pages.open_link, name="open"),
    re_path(r"^(?P<session_id>cs_[a-z0-9]{26})$", pages.session_page, name="page"),
    re_path(r"^(?P<session_id>cs_[a-z0-9]{26})/oauth$", pages.oauth_begin, name="oauth"),
    re_path(r"^(?P<rest>.*)$", pages.not_found, name="not-found"),
]
