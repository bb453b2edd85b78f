"""xlwings adapters: the live workbook as a Grid (``read_xlwings``), a WritePlan into a
live workbook (``render_xlwings``), the ribbon buttons (``handlers``), the worksheet
functions (``udfs``) and the xlwings Lite entry points (``lite``).

Nothing here is imported on the command-line path.
"""
