"""Work around Sphinx 7.4 writing some inline scripts twice.

Sphinx 7.4 registers inline ``<script>`` bodies (added with an empty filename, as the theme's
Thebe/launch-button settings are) under ``None`` and emits them twice, so every page throws
"Identifier 'THEBE_JS_URL' has already been declared". Passing ``""`` instead of ``None``
deduplicates them (fixed upstream in sphinx-doc/sphinx#13402; drop this when Sphinx is upgraded).
"""


def _patch(app):
    builder = app.builder
    if not hasattr(builder, "add_js_file"):
        return
    original = builder.add_js_file

    def add_js_file(filename, **kwargs):
        return original(filename or "", **kwargs)

    builder.add_js_file = add_js_file


def setup(app):
    app.connect("builder-inited", _patch, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
