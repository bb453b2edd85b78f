"""Pure domain: models, values, hierarchy, scoring, ranking, classification, awards.

Nothing in this package does I/O or imports openpyxl, calamine or xlwings.
"""
