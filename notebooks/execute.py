"""Executes one notebook as `jupyter nbconvert --to notebook --execute` does (nbconvert's
ExecutePreprocessor, then CoalesceStreamsPreprocessor), and on the first failing cell prints the
notebook, the cell's number and first line, and the kernel's error, then exits with status 1.

    python execute.py NOTEBOOK.ipynb OUTPUT.ipynb [KERNEL]

The notebook runs in its own directory, so relative paths in cells start there.
"""
import os
import sys

import nbformat
from nbclient.exceptions import CellExecutionError
from nbconvert.preprocessors import CoalesceStreamsPreprocessor, ExecutePreprocessor

# seconds a cell may run: a notebook's whole budget is 5 minutes on two cores
CELL_TIMEOUT = 600


class TrackingExecutePreprocessor(ExecutePreprocessor):
    """Remembers which cell runs, so that a failure can name it."""

    current = None

    def preprocess_cell(self, cell, resources, index):
        self.current = index
        return super().preprocess_cell(cell, resources, index)


def main(source, target, kernel="java"):
    nb = nbformat.read(source, as_version=4)
    # no timestamps in the saved notebook: --update on an unchanged tree must rewrite the same file
    executor = TrackingExecutePreprocessor(kernel_name=kernel, timeout=CELL_TIMEOUT, record_timing=False)
    name = os.path.basename(source)
    try:
        executor.preprocess(nb, {"metadata": {"path": os.path.dirname(os.path.abspath(source))}})
    except CellExecutionError as e:
        index = executor.current
        code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
        number = code_cells.index(index) + 1 if index in code_cells else "?"
        first_line = nb.cells[index].source.strip().splitlines()[0] if index is not None else ""
        print("run.sh: %s failed at code cell %s (%s): %s: %s" % (name, number, first_line, e.ename, e.evalue),
              file=sys.stderr)
        sys.exit(1)
    CoalesceStreamsPreprocessor(enabled=True).preprocess(nb, {})
    drop_image_text(nb)
    nbformat.write(nb, target)


def drop_image_text(nb):
    """Leaves out the text/plain beside an image: JJava writes the image object's toString there,
    whose identity hash differs from run to run."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data:
                data.pop("text/plain", None)


if __name__ == "__main__":
    main(*sys.argv[1:])
