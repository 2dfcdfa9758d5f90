# Models: build, compile, train, evaluate, predict (the Keras-for-R verbs).
#
# Models are the minikeras Python objects themselves; these functions convert R data and
# arguments, call the Python method, and convert results back to R values.

#' A Sequential model; add layers with the pipe: keras_model_sequential() %>% layer_dense(...)
keras_model_sequential <- function(layers = NULL, name = NULL) {
  if (!is.null(layers) && !is.list(layers)) layers <- list(layers)
  py_call(minikeras()$models$Sequential, list(layers = layers, name = name))
}

#' A functional-API model from input and output tensors (layer_input() ...).
keras_model <- function(inputs, outputs = NULL, name = NULL) {
  py_call(minikeras()$models$Model, list(inputs = inputs, outputs = outputs, name = name))
}

# Call a model method with R arguments converted by name (convert_args()).
call_method <- function(object, method, args, fun, call = sys.call(-1)) {
  check_model(object, fun)
  py_call(object[[method]], convert_args(args), call = call)
}

#' Configure a model for training; changes the model in place and returns it invisibly.
compile <- function(object, optimizer, loss, metrics = NULL, loss_weights = NULL,
                    sample_weight_mode = NULL, weighted_metrics = NULL, ...) {
  if (missing(optimizer)) abort("compile(): argument `optimizer` is missing, with no default")
  if (missing(loss)) abort("compile(): argument `loss` is missing, with no default")
  as_list <- function(x) if (is.null(x) || is.list(x)) x else as.list(x)
  call_method(object, "compile", c(list(optimizer = optimizer, loss = as_list(loss),
                                        metrics = as_list(metrics),
                                        loss_weights = as_list(loss_weights),
                                        sample_weight_mode = sample_weight_mode,
                                        weighted_metrics = as_list(weighted_metrics)),
                                   list(...)), "compile")
  invisible(object)
}

# list(x, y[, sample_weight]) -> a Python tuple of numpy arrays.
as_validation_data <- function(data) {
  if (is.null(data)) return(NULL)
  if (!is.list(data) || !length(data) %in% c(2L, 3L))
    abort(sprintf("`validation_data` must be list(x_val, y_val) or list(x_val, y_val, sample_weights), not %s",
                  describe(data)))
  do.call(reticulate::tuple, lapply(data, as_py_data, what = "validation_data"))
}

# class_weight = list("0" = 1, "1" = 5) (or a named vector) -> {0: 1.0, 1: 5.0}
as_class_weight <- function(weights) {
  if (is.null(weights)) return(NULL)
  keys <- suppressWarnings(as.integer(names(weights)))
  if (is.null(names(weights)) || anyNA(keys))
    abort(sprintf("`class_weight` must be named by class (list(\"0\" = 1, \"1\" = 5)), not %s",
                  describe(weights)))
  reticulate::py_dict(as.list(keys), as.list(as.numeric(unlist(weights))))
}

#' Train a model; returns a "keras_training_history" (plot() it).
fit <- function(object, x = NULL, y = NULL, batch_size = NULL, epochs = 10,
                verbose = getOption("keras.fit_verbose", default = 1), callbacks = NULL,
                validation_split = 0, validation_data = NULL, shuffle = TRUE,
                class_weight = NULL, sample_weight = NULL, initial_epoch = 0,
                steps_per_epoch = NULL, validation_steps = NULL, ...) {
  if (!is.null(callbacks) && !is.list(callbacks)) callbacks <- list(callbacks)
  history <- call_method(object, "fit", c(list(
    x = as_py_data(x, "x"), y = as_py_data(y, "y"), batch_size = batch_size,
    epochs = epochs, verbose = verbose, callbacks = callbacks,
    validation_split = validation_split, validation_data = as_validation_data(validation_data),
    shuffle = shuffle, class_weight = as_class_weight(class_weight),
    sample_weight = as_py_data(sample_weight, "sample_weight"),
    initial_epoch = initial_epoch, steps_per_epoch = steps_per_epoch,
    validation_steps = validation_steps), list(...)), "fit")
  training_history(history)
}

#' Loss and metrics of a model on data: a named list (loss, then the compiled metrics).
evaluate <- function(object, x = NULL, y = NULL, batch_size = NULL, verbose = 0,
                     sample_weight = NULL, steps = NULL, ...) {
  result <- call_method(object, "evaluate", c(list(
    x = as_py_data(x, "x"), y = as_py_data(y, "y"), batch_size = batch_size,
    verbose = verbose, sample_weight = as_py_data(sample_weight, "sample_weight"),
    steps = steps), list(...)), "evaluate")
  values <- as.list(unlist(bridge()$plain(result)))
  stats::setNames(values, reticulate::py_to_r(object$metrics_names))
}

#' Predictions of a model for the rows of `x`, as an R array (a matrix for one output).
predict.minikeras.models.training.Model <- function(object, x, batch_size = NULL,
                                                    verbose = 0, steps = NULL, ...) {
  out <- call_method(object, "predict", c(list(x = as_py_data(x, "x"), batch_size = batch_size,
                                              verbose = verbose, steps = steps), list(...)),
                     "predict")
  if (inherits(out, "python.builtin.list")) lapply(reticulate::py_to_r(out), py_to_r_array)
  else py_to_r_array(out)
}

#' Class indices (0-based, as Keras-for-R returns them) of Sequential model predictions.
predict_classes <- function(object, x, batch_size = NULL, verbose = 0, steps = NULL) {
  args <- list(x = as_py_data(x, "x"), batch_size = if (is.null(batch_size)) 32L else batch_size,
               verbose = verbose)
  as.vector(py_to_r_array(call_method(object, "predict_classes", args, "predict_classes")))
}

#' Class probabilities of Sequential model predictions.
predict_proba <- function(object, x, batch_size = NULL, verbose = 0, steps = NULL) {
  args <- list(x = as_py_data(x, "x"), batch_size = if (is.null(batch_size)) 32L else batch_size,
               verbose = verbose)
  py_to_r_array(call_method(object, "predict_proba", args, "predict_proba"))
}

summary.minikeras.models.training.Model <- function(object, line_length = NULL, ...) {
  lines <- character()
  collect <- function(line) { lines <<- c(lines, as.character(reticulate::py_to_r(line))); NULL }
  call_method(object, "summary", list(line_length = line_length, print_fn = collect), "summary")
  structure(lines, class = "minikeras_model_summary")
}

print.minikeras_model_summary <- function(x, ...) {
  cat(x, sep = "\n")
  invisible(x)
}

print.minikeras.models.training.Model <- function(x, ...) {
  built <- reticulate::py_has_attr(x, "built") &&
    isTRUE(reticulate::py_to_r(reticulate::py_get_attr(x, "built")))
  if (built) print(summary(x)) else cat("Model (not built yet)\n")
  invisible(x)
}

#' The model's (or a layer's) weights as a list of R arrays.
get_weights <- function(object) {
  lapply(reticulate::py_to_r(py_call(object$get_weights)), py_to_r_array)
}

#' Set the weights of a model (or layer) from a list of R arrays; returns it invisibly.
set_weights <- function(object, weights) {
  if (!is.list(weights)) abort(sprintf("`weights` must be a list of arrays, not %s", describe(weights)))
  arrays <- lapply(weights, function(w) r_to_numpy(w, floatx()))
  py_call(object$set_weights, list(arrays))
  invisible(object)
}

#' Total number of weights (scalars) of a model or layer.
count_params <- function(object) {
  reticulate::py_to_r(py_call(object$count_params))
}

#' A layer of a model by name or by 1-based index (as in Keras-for-R).
get_layer <- function(object, name = NULL, index = NULL) {
  check_model(object, "get_layer")
  if (!is.null(index)) index <- as_whole(index, "index") - 1L
  py_call(object$get_layer, list(name = name, index = index))
}
