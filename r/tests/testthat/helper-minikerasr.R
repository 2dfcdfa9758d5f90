# The engine: MINIKERASR_LANE (a lane of the minikeras matrix, as scripts/r-lane.sh sets
# it: its interpreter comes from $MINIKERAS_CACHE/envs/<lane>.sh), else KERAS_BACKEND
# (interpreter: MINIKERASR_PYTHON, else that engine's lane). minikeras must import:
# the tests fail, not skip, when it does not.
library(minikerasr)
lane <- Sys.getenv("MINIKERASR_LANE", Sys.getenv("KERAS_BACKEND", "tensorflow"))
use_backend(lane)
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
