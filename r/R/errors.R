# R conditions for user errors, and Python exceptions turned into R conditions.
#
# Every error this package signals inherits "minikerasr_error"; errors raised by
# minikeras in Python also inherit "minikerasr_python_error" and carry the Python
# exception's type name (e.g. "ValueError") in `$python_type`.

abort <- function(message, class = "minikerasr_argument_error", call = NULL, ...) {
  cond <- structure(class = c(class, "minikerasr_error", "error", "condition"),
                    list(message = message, call = call, ...))
  stop(cond)
}

# The Python exception's "Type: message" without reticulate's traceback.
python_message <- function(e) {
  msg <- conditionMessage(e)
  msg <- sub("\n+Detailed traceback:.*$", "", msg)
  msg <- sub("\n+Run `reticulate::py_last_error\\(\\)`.*$", "", msg)
  trimws(msg)
}

# Call a Python callable with converted arguments; a Python exception becomes an R error
# naming the R function the user called.
py_call <- function(fun, args = list(), call = sys.call(-1)) {
  if (!is.function(fun)) fun <- fun[["__call__"]]    # e.g. a layer called on a tensor
  tryCatch(do.call(fun, args), error = function(e) {
    if (inherits(e, "minikerasr_error")) stop(e)
    msg <- python_message(e)
    type <- regmatches(msg, regexpr("^[A-Za-z_][A-Za-z0-9_.]*(?=: )", msg, perl = TRUE))
    abort(msg, class = "minikerasr_python_error", call = call,
          python_type = if (length(type)) type else NA_character_)
  })
}

check_string <- function(x, what) {
  if (!is.character(x) || length(x) != 1L || is.na(x) || !nzchar(x))
    abort(sprintf("`%s` must be one non-empty string, not %s", what, describe(x)))
  x
}

check_model <- function(object, fun) {
  if (!inherits(object, "minikeras.models.training.Model"))
    abort(sprintf("%s(): `object` must be a minikeras model (keras_model_sequential() or keras_model()), not %s",
                  fun, describe(object)))
  object
}

# A short description of a value for messages: `32.5`, `"a"`, `a list of 2`, ...
describe <- function(x) {
  if (is.null(x)) return("NULL")
  if (inherits(x, "python.builtin.object")) return(paste("a Python", class(x)[1]))
  if (is.function(x)) return("a function")
  if (is.list(x)) return(sprintf("a list of %d", length(x)))
  if (length(x) == 0L) return(sprintf("an empty %s vector", typeof(x)))
  shown <- paste(utils::head(deparse(if (length(x) > 4) x[1:4] else x), 1), collapse = "")
  if (length(x) > 4) shown <- paste0(shown, " (", length(x), " values)")
  sprintf("`%s`", shown)
}
