# The engine is the one KERAS_BACKEND names (scripts/r-lane.sh sets it, with
# MINIKERASR_PYTHON for the interpreter); minikeras must import: tests fail, not skip,
# when it does not.
library(minikerasr)
use_backend(Sys.getenv("KERAS_BACKEND", "tensorflow"))
mk <- minikerasr:::minikeras()
bridge <- minikerasr:::bridge()
py_value <- function(x) bridge$plain(x)          # Python value -> R value
as_numpy <- minikerasr:::as_py_data

# A small two-class problem a tiny network learns in a few epochs on every engine.
two_class_data <- function(n = 200) {
  set.seed(42)
  x <- matrix(runif(n * 4), ncol = 4)
  list(x = x, y = as.integer(x[, 1] + x[, 2] > 1))
}

expect_minikerasr_error <- function(expr, pattern, class = "minikerasr_error") {
  err <- tryCatch({ expr; NULL }, error = function(e) e)
  expect_s3_class(err, class)
  expect_match(conditionMessage(err), pattern)
  expect_false(grepl("Traceback|File \"", conditionMessage(err)))
  invisible(err)
}
