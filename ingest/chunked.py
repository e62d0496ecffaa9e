"""An upload read once and kept as text in chunks in a temporary file, so checking it holds one chunk at a time.

A sheet of a million rows held as Python lists of strings takes gigabytes; the same cells as Arrow
string columns take a tenth of that, and on disk none of the server's memory.  The reader
(``ingest.actuals.read_upload``, no database) appends each chunk of ``CHUNK_ROWS`` rows as it
streams the file; the check (``check_read``, with the database) reads them back one by one
(docs/design.md: validated as a whole, nothing written until every row is checked).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

CHUNK_ROWS = 50_000  # rows checked at a time: large enough for vectorised checks, small enough to hold
LINE = "__line"  # the spreadsheet row number of each row, stored beside its cells
try:  # pandas' own text dtype (pandas 3's default), backed by Arrow like the file
    _TYPES = {pa.string(): pd.StringDtype("pyarrow", na_value=np.nan)}.get
except TypeError:  # pandas before 2.3: plain Python strings, as the checks convert them anyway
    _TYPES = None


class ChunkedTable:
    """The rows of one upload below its header, as text in columns named by column key, in chunks.

    ``headers`` maps each key to the header the file used (for messages); ``rows`` counts the rows."""

    def __init__(self, file: str, keys: list[str], headers: dict[str, str]):
        self.file, self.keys, self.headers = file, list(keys), dict(headers)
        self.rows = 0
        self._schema = pa.schema([(k, pa.string()) for k in self.keys] + [(LINE, pa.int64())])
        self._spill = tempfile.TemporaryFile()  # gone when closed, or when the process ends
        self._writer: pa.ipc.RecordBatchStreamWriter | None = pa.ipc.new_stream(self._spill, self._schema)

    def append(self, columns: dict[str, Sequence[str] | pd.Series], lines: list[int]) -> None:
        """One chunk: the cells of each column (all of the same length) and their row numbers."""
        arrays = [pa.array(columns[k], type=pa.string()) for k in self.keys] + [pa.array(lines, type=pa.int64())]
        self._writer.write_batch(pa.record_batch(arrays, schema=self._schema))
        self.rows += len(lines)

    def finish(self) -> None:
        """No more chunks: the file is complete and can be read."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def chunks(self) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
        """Each chunk as text columns (index 0…n-1) and its row numbers, in the file's order."""
        self.finish()
        self._spill.seek(0)
        with pa.ipc.open_stream(self._spill) as reader:
            for batch in reader:
                frame = batch.to_pandas(types_mapper=_TYPES)
                yield frame.drop(columns=LINE), frame[LINE].to_numpy()

    def close(self) -> None:
        self._writer = None
        self._spill.close()

    @classmethod
    def of_frame(cls, file: str, frame: pd.DataFrame, lines: list[int], headers: dict[str, str]) -> ChunkedTable:
        """A table already read whole (``ingest.tables.Table``), as chunks."""
        table = cls(file, list(frame.columns), headers)
        for start in range(0, len(frame), CHUNK_ROWS):
            part = frame.iloc[start : start + CHUNK_ROWS]
            table.append({k: part[k].astype(str).tolist() for k in table.keys}, list(lines[start : start + CHUNK_ROWS]))
        return table
