"""Input/output: workbook → grid (calamine, openpyxl, xlwings), grid → model (one parser),
result → write plan (one planner), plan → file (openpyxl) or live book (xlwings)."""
