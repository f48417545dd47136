"""Standards: the registry of the standards the portal's files follow
(dataset type -> standards -> versions -> schema file -> canonical URL), the
documentation of their fields and their templates (CSV, XLSX). Its data is
in ``schemas/``.

Pure: never imports ckan, nor any other room of the extension.
"""
