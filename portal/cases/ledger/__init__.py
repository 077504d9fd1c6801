"""The 台账 (建账、销账、晒账): what the staff ledger, its printed A4 form and XLSX export, and
the public 晒账 page show. Queries and counting only; the pages are cases/ledger_views.py.

    base.py     the month asked for, the scope (a SQL condition), places' names, words
    figures.py  the month's figures per community, grid, category and track, and COUNTING,
                the words that say how each is counted
    rows.py     the overdue list; the month's rows on the seed's form (print and XLSX)
    public.py   the public page's rows (masked) and the street's communities
    xlsx.py     the XLSX workbook (XlsxWriter): real dates, text never a formula

Every query runs a fixed number of statements whatever the number of matters.
"""
