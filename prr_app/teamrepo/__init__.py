"""The team repository: many reviews in one PostgreSQL database.

A repository holds reviews with the same model as the ``.prr`` file (the tables of
:mod:`prr_app.persistence.tables`, each with a ``review_id`` in front of its key), an
append-only history of every change, and the roles that say who may do what. See
docs/team-repository.md.

Layer: between the use cases (:mod:`prr_app.review`) and persistence; it imports
:mod:`prr_app.persistence.tables` and :mod:`prr_app.model`, never a face.
"""
