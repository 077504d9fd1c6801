"""The web layer every blueprint shares, one job a module:

- `locale`: the language and text-size cookies, and the locale Flask-Babel uses;
- `navigation`: `safe_next` for redirects, and which bottom-bar tab a page lights;
- `params`: integers from paths, query strings and forms, bounded to the database's range;
- `assets`: static URLs with a content hash, so they can be cached for a year;
- `formatting`: the Jinja filters for dates in Asia/Shanghai and masked names and phones;
- `csv_export`: CSV that opens as text in a spreadsheet, never as a formula;
- `headers`: the security headers (CSP) and the NUL-byte refusal;
- `loading`: the row a URL names, 404 when missing and 403 outside the viewer's scope;
- `transaction`: `committing()`, running a view's service in one transaction;
- `templating`: the globals and filters every template sees;
- `register`: `register_web(app)`, which wires them into the app.

This file imports nothing, so a module may import one of these without pulling in the rest.
"""
