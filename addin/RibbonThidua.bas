Attribute VB_Name = "RibbonThidua"
' Ribbon callbacks of the thidua_xl add-in: one Sub per button of customUI.xml.
' Each runs one handler of thidua_xl.excel.handlers through xlwings' RunPython; the
' handlers catch every error and show a Vietnamese message box themselves.
' The Subs are named TD_Ribbon_* (not TD_KiemTra...): VBA names are case-insensitive
' and TD_KIEMTRA is a worksheet function of the add-in (module xlwings_udfs).
' Keep this file ASCII (the VBA editor does not read UTF-8): Vietnamese text is
' spelled with ChrW().
Option Explicit

' True (after telling the user) when no workbook is open: RunPython needs one.
Private Function NoWorkbook() As Boolean
    If ActiveWorkbook Is Nothing Then
        MsgBox "H" & ChrW(227) & "y m" & ChrW(7903) & " m" & ChrW(7897) & "t s" & ChrW(7893) & " Excel tr" & ChrW(432) & ChrW(7899) & "c.", vbInformation, "Thi " & ChrW(273) & "ua"
        NoWorkbook = True
    End If
End Function

' Button: Kiem tra so
Sub TD_Ribbon_KiemTra(control As IRibbonControl)
    If NoWorkbook() Then Exit Sub
    RunPython "import thidua_xl.excel.handlers as h; h.kiem_tra()"
End Sub

' Button: Tinh diem & xep hang
Sub TD_Ribbon_TinhDiem(control As IRibbonControl)
    If NoWorkbook() Then Exit Sub
    RunPython "import thidua_xl.excel.handlers as h; h.tinh_diem()"
End Sub

' Button: De nghi khen thuong
Sub TD_Ribbon_DeNghiKhenThuong(control As IRibbonControl)
    If NoWorkbook() Then Exit Sub
    RunPython "import thidua_xl.excel.handlers as h; h.de_nghi_khen_thuong()"
End Sub

' Button: Gop phieu tu cham
Sub TD_Ribbon_GopPhieuTuCham(control As IRibbonControl)
    If NoWorkbook() Then Exit Sub
    RunPython "import thidua_xl.excel.handlers as h; h.gop_phieu_tu_cham()"
End Sub

' Button: Tao so mau
Sub TD_Ribbon_TaoSoMau(control As IRibbonControl)
    If NoWorkbook() Then Exit Sub
    RunPython "import thidua_xl.excel.handlers as h; h.tao_so_mau()"
End Sub

' Button: Xuat PDF
Sub TD_Ribbon_XuatPdf(control As IRibbonControl)
    If NoWorkbook() Then Exit Sub
    RunPython "import thidua_xl.excel.handlers as h; h.xuat_pdf()"
End Sub

' Button: Huong dan
Sub TD_Ribbon_HuongDan(control As IRibbonControl)
    If NoWorkbook() Then Exit Sub
    RunPython "import thidua_xl.excel.handlers as h; h.huong_dan()"
End Sub
