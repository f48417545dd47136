"""DCAT: our RDF profile on top of ckanext-dcat's ``euro_dcat_ap_3``
(``profile.py``, ``uris.py``) and the public feeds for harvesters
(``feeds.py``: public datasets only, hidden files left out).

Imports: the kernel, ``standards/``, ``collectivites/`` and ``uploads/``
(visibility). Never ``socle/``, ``helpers``, ``views``, ``logic`` or
``implementations``.
"""
