# R values -> Python arguments, and numpy arrays -> R arrays.
#
# Keyword arguments are converted by their name, the same way for layers, optimizers,
# callbacks and model methods, as Keras-for-R does:
#   whole numbers          units = 32 and 32L both give the Python int 32
#   int or tuple of ints   kernel_size = 3 -> 3; kernel_size = c(3, 3) -> (3, 3)
#   shapes                 input_shape = 784 -> (784,); NA or NULL inside -> None
#   axes                   1-based positive axes become 0-based; negative ones stay
# Any other argument goes to Python as reticulate converts it.

.int_args <- c("units", "filters", "output_dim", "input_dim", "input_length", "batch_size",
               "epochs", "verbose", "steps", "steps_per_epoch", "validation_steps",
               "initial_epoch", "patience", "seed", "depth_multiplier", "n", "num_classes",
               "max_queue_size", "workers", "validation_freq", "period", "cooldown")
.int_or_tuple_args <- c("kernel_size", "strides", "pool_size", "dilation_rate", "size",
                        "cropping", "padding")
.shape_args <- c("input_shape", "batch_input_shape", "target_shape", "dims", "noise_shape",
                 "shape", "batch_shape")
.axis_args <- c("axis", "axes")

as_whole <- function(x, what, scalar = FALSE) {
  if (is.numeric(x) && !is.factor(x) && (!scalar || length(x) == 1L) && length(x) &&
      all(is.finite(x)) && all(x == round(x)) && all(abs(x) < .Machine$integer.max))
    return(as.integer(x))
  abort(sprintf("`%s` must be %s (like 32 or 32L), not %s", what,
                if (scalar) "one whole number" else "whole numbers", describe(x)))
}

as_py_shape <- function(x, what) {
  if (is.list(x)) x <- vapply(x, function(v) if (is.null(v)) NA_real_ else as.numeric(v), 0)
  if (!is.numeric(x) && !all(is.na(x)))
    abort(sprintf("`%s` must be a vector of whole numbers (NA for unknown), not %s",
                  what, describe(x)))
  dims <- lapply(seq_along(x), function(i) if (is.na(x[[i]])) NULL else as_whole(x[[i]], what))
  do.call(reticulate::tuple, dims)
}

as_axis <- function(x, what) {
  x <- as_whole(x, what)
  x <- ifelse(x > 0L, x - 1L, x)
  if (length(x) == 1L) x else as.list(x)
}

# One keyword argument, converted by its name.
convert_arg <- function(name, value) {
  if (is.null(value) || inherits(value, "python.builtin.object")) return(value)
  if (name %in% .int_args) return(as_whole(value, name, scalar = TRUE))
  if (name %in% .shape_args) return(as_py_shape(value, name))
  if (name %in% .axis_args) return(as_axis(value, name))
  if (name %in% .int_or_tuple_args && is.numeric(value)) {
    value <- as_whole(value, name)
    return(if (length(value) == 1L) value else do.call(reticulate::tuple, as.list(value)))
  }
  value
}

convert_args <- function(args) {
  if (!length(args)) return(list())
  nms <- names(args)
  if (is.null(nms) || any(!nzchar(nms)))
    abort(sprintf("arguments must be named (got an unnamed one: %s)",
                  describe(args[[which(if (is.null(nms)) TRUE else !nzchar(nms))[1]]])))
  out <- Map(convert_arg, nms, args)
  # keep NULLs (they are Python's None), which Map() and `[[<-` would drop
  stats::setNames(out, nms)
}

# An R value (array, matrix, vector, data frame, list of those) as numpy data for a model:
# doubles become floatx (float32), integers int32, logicals bool; indices keep their
# meaning (x[i, j] in R is x[i - 1, j - 1] in Python), so reshape with array_reshape().
as_py_data <- function(x, what = "x") {
  if (is.null(x) || inherits(x, "python.builtin.object")) return(x)
  if (is.data.frame(x)) x <- as.matrix(x)
  if (is.list(x)) return(lapply(x, as_py_data, what = what))
  if (is.factor(x) || !(is.numeric(x) || is.logical(x)))
    abort(sprintf("`%s` must be a numeric array, matrix or vector (or a list of them), not %s",
                  what, describe(x)))
  r_to_numpy(x, if (is.integer(x)) "int32" else if (is.logical(x)) "bool" else floatx())
}

r_to_numpy <- function(x, dtype) {
  shape <- if (is.null(dim(x))) length(x) else dim(x)
  bridge(convert = FALSE)$as_array(as.vector(x), as.list(as.integer(shape)), dtype)
}

floatx <- function() {
  if (is.null(.state$floatx)) .state$floatx <- reticulate::py_to_r(minikeras()$backend$floatx())
  .state$floatx
}

# A numpy array (or anything numpy.asarray takes) as an R array with the same indices:
# 0-d -> a single value, 1-d -> a vector, more -> an array of the same shape.
py_to_r_array <- function(x) {
  res <- bridge()$to_r(x)
  values <- switch(res$kind, integer = as.integer(unlist(res$data)),
                   logical = as.logical(unlist(res$data)), as.numeric(unlist(res$data)))
  shape <- as.integer(unlist(res$shape))
  if (length(shape) <= 1L) return(values)
  aperm(array(values, dim = rev(shape)), rev(seq_along(shape)))
}

#' Reshape an array with row-major (C) semantics, as numpy and Keras do, so that
#' array_reshape(x, c(n, 784)) flattens 28 x 28 images as Python's x.reshape(n, 784).
#' Same signature as reticulate::array_reshape(), which needs reticulate's numpy bridge
#' (unusable with numpy 2 before reticulate 1.36); this one is plain R. One entry of
#' `dim` may be -1 (inferred).
array_reshape <- function(x, dim, order = c("C", "F")) {
  order <- match.arg(order)
  dim <- as_whole(dim, "dim")
  size <- length(x)
  if (sum(dim == -1L) == 1L && prod(dim[dim != -1L]) > 0) dim[dim == -1L] <- size %/% prod(dim[dim != -1L])
  if (any(dim < 0L) || prod(dim) != size)
    abort(sprintf("array_reshape(): cannot reshape %d values into dim %s", size, describe(dim)))
  if (order == "F") return(array(as.vector(x), dim))
  old <- if (is.null(base::dim(x))) size else base::dim(x)
  row_major <- as.vector(aperm(array(as.vector(x), old), rev(seq_along(old))))
  aperm(array(row_major, rev(dim)), rev(seq_along(dim)))
}
