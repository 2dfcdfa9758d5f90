# Choosing the engine and the Python that has it, then importing minikeras once.
#
# Python is started (and minikeras imported, which loads the engine) on the first call
# that needs it. Until then use_backend() may pick the engine; afterwards it only
# confirms the running one, as Python cannot load a second engine into the same process.

.state <- new.env(parent = emptyenv())

# KERAS_BACKEND value -> the lanes (environments) of the minikeras test matrix that have
# that engine, in order of preference; a lane name may be given to use_backend() too.
.engine_lanes <- list(
  tensorflow = "tensorflow",
  theano = c("pytensor", "theano36"),
  cntk = "cntk36",
  mxnet = "mxnet",
  numpy = "numpy"
)
.lane_engine <- c(tensorflow = "tensorflow", pytensor = "theano", theano36 = "theano",
                  cntk36 = "cntk", mxnet = "mxnet", numpy = "numpy")

#' Choose the engine (and the Python that has it) before minikeras is first used
#'
#' @param backend an engine ("tensorflow", "theano", "cntk", "mxnet", "numpy") or a
#'   minikeras matrix lane ("cntk36", "theano36", "pytensor").
#' @param python the Python interpreter to use; default: the MINIKERASR_PYTHON
#'   environment variable, else the interpreter of the engine's lane in
#'   $MINIKERAS_CACHE/envs (default ~/.cache/minikeras/envs), else RETICULATE_PYTHON,
#'   else the Python reticulate finds.
#' @return invisibly, a list with the backend and the python chosen.
use_backend <- function(backend = Sys.getenv("KERAS_BACKEND", "tensorflow"), python = NULL) {
  backend <- check_string(backend, "backend")
  lane <- NULL
  if (backend %in% names(.lane_engine)) {
    lane <- if (backend %in% names(.engine_lanes)) NULL else backend
    backend <- .lane_engine[[backend]]
  }
  if (!backend %in% names(.engine_lanes))
    abort(sprintf("use_backend(): unknown backend \"%s\"; expected one of %s, or a lane (%s)",
                  backend, paste0("\"", names(.engine_lanes), "\"", collapse = ", "),
                  paste0("\"", setdiff(names(.lane_engine), names(.engine_lanes)),
                         "\"", collapse = ", ")))
  if (!is.null(.state$minikeras) || reticulate::py_available(initialize = FALSE)) {
    running <- if (is.null(.state$minikeras)) Sys.getenv("KERAS_BACKEND", "?") else backend_name()
    current <- reticulate::py_config()$python
    same_python <- is.null(python) || identical(interpreter_path(python), interpreter_path(current))
    if (identical(running, backend) && same_python)
      return(invisible(list(backend = backend, python = current)))
    abort(sprintf(paste0("use_backend(\"%s\"): Python is already running (engine \"%s\", ",
                         "Python %s); the engine is chosen before the first use of ",
                         "minikerasr: restart R and call use_backend() first"),
                  backend, running, current))
  }
  if (!is.null(python)) python <- check_string(python, "python")
  if (is.null(python)) python <- lane_python(if (is.null(lane)) .engine_lanes[[backend]] else lane)
  Sys.setenv(KERAS_BACKEND = backend)
  if (!is.null(python)) {
    if (!file.exists(python))
      abort(sprintf("use_backend(): the Python interpreter \"%s\" does not exist", python))
    Sys.setenv(RETICULATE_PYTHON = python)
    reticulate::use_python(python, required = TRUE)
  }
  .state$python <- python
  .state$chosen <- TRUE
  invisible(list(backend = backend, python = python))
}

# An interpreter's path with its folders resolved but not the file itself: a virtual
# environment's bin/python is a link to the base interpreter, and is not the same Python.
interpreter_path <- function(path) {
  file.path(normalizePath(dirname(path), mustWork = FALSE), basename(path))
}

# The interpreter for a lane: MINIKERASR_PYTHON, else the lane pointer files written by
# the minikeras matrix ($MINIKERAS_CACHE/envs/<lane>.sh), whose exported variables
# (e.g. THEANO_FLAGS) are set too unless already set; NULL when none is found.
lane_python <- function(lanes) {
  explicit <- Sys.getenv("MINIKERASR_PYTHON")
  if (nzchar(explicit)) return(explicit)
  cache <- Sys.getenv("MINIKERAS_CACHE")
  if (!nzchar(cache)) {
    xdg <- Sys.getenv("XDG_CACHE_HOME", file.path(path.expand("~"), ".cache"))
    cache <- file.path(xdg, "minikeras")
  }
  for (lane in lanes) {
    pointer <- file.path(cache, "envs", paste0(lane, ".sh"))
    if (!file.exists(pointer)) next
    vars <- read_pointer(pointer)
    python <- vars[["MINIKERAS_LANE_PYTHON"]]
    if (is.null(python) || !file.exists(python)) next
    for (name in setdiff(names(vars), "MINIKERAS_LANE_PYTHON"))
      if (!nzchar(Sys.getenv(name))) do.call(Sys.setenv, stats::setNames(list(vars[[name]]), name))
    return(python)
  }
  retic <- Sys.getenv("RETICULATE_PYTHON")
  if (nzchar(retic)) retic else NULL
}

# NAME=value and `export NAME=value` lines, values unquoted as the shell would (the files
# are written with Python's shlex.quote).
read_pointer <- function(path) {
  lines <- readLines(path, warn = FALSE)
  lines <- sub("^export[[:space:]]+", "", lines)
  lines <- grep("^[A-Za-z_][A-Za-z0-9_]*=", lines, value = TRUE)
  names <- sub("=.*$", "", lines)
  values <- sub("^[^=]*=", "", lines)
  quoted <- grepl("^'.*'$", values)
  values[quoted] <- gsub("'\"'\"'", "'", substr(values[quoted], 2, nchar(values[quoted]) - 1))
  stats::setNames(as.list(values), names)
}

# The minikeras Python module (imported on first use) and this package's bridge module.
minikeras <- function() {
  if (is.null(.state$minikeras)) {
    if (is.null(.state$chosen)) use_backend()
    tryCatch({
      bridge <- reticulate::import_from_path(
        "minikerasr_bridge", system.file("python", package = "minikerasr"), convert = TRUE)
      bridge$restore_base_prefix()     # before the engine may look for Python's C headers
      module <- reticulate::import("minikeras", convert = FALSE)
    }, error = function(e) {
      abort(sprintf(paste0("minikeras could not be imported by the Python at %s (%s). ",
                           "Install minikeras and its engine in that Python, or point ",
                           "use_backend(python = ...) / MINIKERASR_PYTHON at one that has them"),
                    tryCatch(reticulate::py_config()$python, error = function(e) "?"),
                    python_message(e)))
    })
    .state$bridge <- bridge
    # the same module returning Python objects (numpy arrays stay numpy whatever numpy)
    .state$bridge_py <- reticulate::import_from_path(
      "minikerasr_bridge", system.file("python", package = "minikerasr"), convert = FALSE)
    .state$minikeras <- module
  }
  .state$minikeras
}

# minikerasr_bridge.py: results converted to R values, or (convert = FALSE) kept Python
bridge <- function(convert = TRUE) {
  minikeras()
  if (convert) .state$bridge else .state$bridge_py
}

#' The engine minikeras runs on ("tensorflow", "cntk", ...); starts Python if needed.
backend_name <- function() {
  reticulate::py_to_r(minikeras()$backend$backend())
}

#' Is minikeras importable with the chosen backend? (starts Python; never errors)
is_minikeras_available <- function() {
  tryCatch({ minikeras(); TRUE }, error = function(e) FALSE)
}
