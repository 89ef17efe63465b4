"""The typed models of every shape the API takes and gives (pydantic v2): the single source of
request validation, of the response shapes and of the OpenAPI document (bcp.web.api.spec).

A model checks what a field is (its type, format, range, length, vocabulary) and hands the
domain typed values; the domain keeps what only the business knows (the state machine, the
rules, who may act, what a time must come after). The HTML forms validate through the same
models (bcp.web.forms), so that a page and the API cannot disagree on what is valid.
"""
