"""Write tests/data/forms/wuhan-qingshan-2020.xlsx: the 青山 2020 form of wuhan-qingshan-2020.html as a worksheet.

Source: shared/data/samples/hubei-wuhan-qingshan-jyj-2020-project-goals-3.txt (武汉市青山区教育局
项目支出绩效目标表3, 2020年度, http://www.qingshan.gov.cn/…/t20200120_1016313.shtml), rebuilt as HTML by
make.py; this script copies that grid cell for cell into a workbook, each HTML rowspan/colspan a merged
range, so the same form is tested in a second format. Run from the repository root:
``.venv/bin/python tests/data/forms/html_to_xlsx.py``. The file is committed.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from converter.readers.formats.detect import read_document
from converter.readers.grid import Grid, Text

HERE = Path(__file__).resolve().parent


def main() -> None:
    source = HERE / "wuhan-qingshan-2020.html"
    doc = read_document(source.read_bytes(), source.name)
    book = Workbook()
    sheet = book.active
    sheet.title = "项目支出绩效目标表3"
    row = 1
    for block in doc.blocks:
        if isinstance(block, Text):
            sheet.cell(row, 1, block.text)
            row += 1
            continue
        assert isinstance(block, Grid)
        spans: dict[tuple[int, int], list[int]] = {}
        for cells in block.rows:
            for cell in cells:
                if cell.origin is None or cell.origin == (cell.row, cell.col):
                    if cell.text:
                        sheet.cell(row + cell.row, cell.col + 1, cell.text)
                if cell.origin is not None:
                    box = spans.setdefault(cell.origin, [cell.row, cell.col, cell.row, cell.col])
                    box[2], box[3] = max(box[2], cell.row), max(box[3], cell.col)
        for r0, c0, r1, c1 in spans.values():
            sheet.merge_cells(start_row=row + r0, start_column=c0 + 1, end_row=row + r1, end_column=c1 + 1)
        row += len(block.rows)
    book.save(HERE / "wuhan-qingshan-2020.xlsx")


if __name__ == "__main__":
    main()
