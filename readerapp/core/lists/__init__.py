"""Reading paper lists (GitHub READMEs) by meaning: the layouts a list can have
(tables, dated or linked bullets, venue lists, digests, bold-title blocks,
cards), the role table that says what a column or a label means, and the
structure (sections, text between entries) the importer keeps. The import into
the library itself is :mod:`readerapp.core.listimport`."""
