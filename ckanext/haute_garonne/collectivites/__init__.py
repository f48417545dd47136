"""Collectivités: who a collectivité is and how it looks.

Owns identity (``identity.py``, pure: organisation -> ``Collectivite``, the
kinds of collectivité, the rule that says which one is the Département),
its reading from CKAN's database (``lookup.py``), the directory of
collectivités (``directory.py``), themes (``theming.py``, pure colours and
contrast), logos and banners (``images.py``) and bulk onboarding
(``onboarding.py``).

Imports: the kernel, ``standards/`` and ``validation/`` (onboarding reads
CSV with the engine's reader). Never ``uploads/``, ``socle/``, ``dcat/``,
``helpers``, ``views``, ``logic`` or ``implementations``.
"""
