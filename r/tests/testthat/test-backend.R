test_that("the engine and the Python are the ones the lane or KERAS_BACKEND names", {
  engines <- minikerasr:::.lane_engine
  expect_equal(backend_name(), if (lane %in% names(engines)) engines[[lane]] else lane)
  expect_equal(Sys.getenv("KERAS_BACKEND"), backend_name())
  python <- Sys.getenv("MINIKERASR_PYTHON")
  if (!nzchar(python) && nzchar(Sys.getenv("MINIKERASR_LANE"))) {
    cache <- Sys.getenv("MINIKERAS_CACHE", file.path(path.expand("~"), ".cache", "minikeras"))
    pointer <- file.path(cache, "envs", paste0(lane, ".sh"))
    python <- minikerasr:::read_pointer(pointer)$MINIKERAS_LANE_PYTHON
  }
  if (nzchar(python))
    expect_equal(minikerasr:::interpreter_path(reticulate::py_config()$python),
                 minikerasr:::interpreter_path(python))
})

test_that("use_backend() confirms the running engine and refuses to switch", {
  running <- backend_name()
  expect_silent(use_backend(running))
  expect_silent(use_backend(running, python = reticulate::py_config()$python))
  expect_minikerasr_error(use_backend(running, python = "/another/python"), "already running")
  other <- if (running == "numpy") "tensorflow" else "numpy"
  expect_minikerasr_error(use_backend(other), "already running .*restart R")
})

test_that("use_backend() names the known engines for an unknown one", {
  expect_minikerasr_error(use_backend("torch"), "unknown backend \"torch\".*\"cntk\"")
  expect_minikerasr_error(use_backend(3), "`backend` must be one non-empty string")
})

test_that("lane pointer files give the interpreter and the lane's variables", {
  cache <- tempfile("cache")
  dir.create(file.path(cache, "envs"), recursive = TRUE)
  fake_python <- file.path(cache, "python with space")
  file.create(fake_python)
  writeLines(c(paste0("MINIKERAS_LANE_PYTHON='", fake_python, "'"),
               "export MINIKERASR_TEST_FLAGS='a=1,b='\"'\"'q'\"'\"''"),
             file.path(cache, "envs", "cntk36.sh"))
  old <- Sys.getenv(c("MINIKERAS_CACHE", "MINIKERASR_PYTHON", "MINIKERASR_TEST_FLAGS"),
                    unset = NA)
  on.exit({
    for (name in names(old))
      if (is.na(old[[name]])) Sys.unsetenv(name) else do.call(Sys.setenv, as.list(old[name]))
  })
  Sys.setenv(MINIKERAS_CACHE = cache)
  Sys.unsetenv("MINIKERASR_PYTHON")
  expect_equal(minikerasr:::lane_python(c("mxnet", "cntk36")), fake_python)
  expect_equal(Sys.getenv("MINIKERASR_TEST_FLAGS"), "a=1,b='q'")
  Sys.setenv(MINIKERASR_PYTHON = "/explicit/python")
  expect_equal(minikerasr:::lane_python("cntk36"), "/explicit/python")
})
