"""The VBA project of the add-in, written without Office and without ms-ovba.

``project.build(name, project_id, modules)`` gives ``vbaProject.bin`` bytes (MS-OVBA, see
:mod:`.project`); :mod:`.compression` is MS-OVBA's compression both ways; :mod:`.cfb` the
compound-file container.
"""
from .compression import compress, decompress
from .project import (
    CLASS_BASE,
    WORKBOOK_BASE,
    WORKSHEET_BASE,
    Module,
    build,
    class_module,
    document_module,
)

__all__ = ["CLASS_BASE", "WORKBOOK_BASE", "WORKSHEET_BASE", "Module", "build",
           "class_module", "compress", "decompress", "document_module"]
