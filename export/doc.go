// Package export writes fpsolve cell fields and sparse operators in formats
// that other tools read directly, and reads them back for tests and users.
//
// Supported formats:
//
//   - CSV: one row per cell in natural order (axis 0 fastest) with the cell
//     centre coordinates x[,y[,z]] followed by one column per field. Values
//     use the shortest decimal form that parses back to the same float64, so
//     a CSV round trip is exact.
//   - NPY: NumPy's binary array format (version 1.0, '<f8', C order). A
//     field on an Nx×Ny×Nz grid becomes an array of shape (Nz, Ny, Nx), so
//     that numpy.load(path)[k, j, i] is cell (i, j, k): grid axis 0 is the
//     last NumPy axis. Several fields can be stacked along a leading time
//     axis.
//   - VTK: legacy ASCII STRUCTURED_POINTS with the cell-centred values stored
//     as point data at the cell centres, readable by ParaView and VisIt.
//   - MatrixMarket: the coordinate real general format for sparse matrices
//     (*sparse.CSR from github.com/james-bowman/sparse), readable by
//     scipy.io.mmread, MATLAB and Julia.
//
// Every Write* function builds the whole file in memory and replaces the
// target atomically, so a reader never sees a partial file.
package export
