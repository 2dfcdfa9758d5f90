# Run minikerasr's testthat tests (r/tests/testthat) in one Python lane; called by
# scripts/r-lane.sh with MINIKERASR_LANE set and the package installed in R_LIBS.
# Usage: Rscript scripts/r-lane.R TESTS_DIR OUT_DIR
# Writes OUT_DIR/junit.xml and OUT_DIR/counts (passed failed errors skipped engine-version)
# and exits 0 when no test failed.
args <- commandArgs(trailingOnly = TRUE)
tests <- args[1]
out <- args[2]
dir.create(out, showWarnings = FALSE, recursive = TRUE)
library(testthat)
results <- as.data.frame(test_dir(tests, reporter = SummaryReporter$new(show_praise = FALSE),
                                  stop_on_failure = FALSE, stop_on_warning = FALSE))
failed <- sum(results$failed > 0 & !results$error)
errors <- sum(results$error)
skipped <- sum(results$skipped & results$failed == 0 & !results$error)
passed <- nrow(results) - failed - errors - skipped

# junit.xml in the shape tools/matrix_summary.py counts (testthat's JunitReporter needs
# the xml2 package, which this lane does not install)
xml_escape <- function(x) {
  x <- gsub("&", "&amp;", x, fixed = TRUE)
  x <- gsub("<", "&lt;", x, fixed = TRUE)
  x <- gsub(">", "&gt;", x, fixed = TRUE)
  gsub("\"", "&quot;", x, fixed = TRUE)
}
case_xml <- function(i) {
  row <- results[i, ]
  messages <- vapply(row$result[[1]], function(r) {
    if (inherits(r, "expectation_success")) "" else conditionMessage(r)
  }, "")
  body <- paste(messages[nzchar(messages)], collapse = "\n")
  tag <- if (row$error) "error" else if (row$failed > 0) "failure" else if (row$skipped) "skipped" else ""
  inner <- if (nzchar(tag)) sprintf("<%s message=\"%s\"/>", tag, xml_escape(substr(body, 1, 2000))) else ""
  sprintf("  <testcase classname=\"%s\" name=\"%s\" time=\"%.3f\">%s</testcase>",
          xml_escape(sub("\\.R$", "", row$file)), xml_escape(row$test), row$real, inner)
}
writeLines(c("<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
             sprintf("<testsuite name=\"minikerasr\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\">",
                     nrow(results), failed, errors, skipped),
             vapply(seq_len(nrow(results)), case_xml, ""), "</testsuite>"),
           file.path(out, "junit.xml"), useBytes = TRUE)
# "tensorflow 2.21.0": the engine and the version of the Python module it runs on
engine <- tryCatch({
  name <- minikerasr::backend_name()
  module <- if (name == "theano" && !reticulate::py_module_available("theano")) "pytensor" else name
  version <- reticulate::py_eval(sprintf("__import__('%s').__version__", module))
  paste(module, version)
}, error = function(e) paste("?", conditionMessage(e)))
python <- tryCatch(reticulate::py_config()$version, error = function(e) "?")
writeLines(c(passed, failed, errors, skipped, gsub(" ", "_", engine), python),
           file.path(out, "counts"))
quit(status = if (failed + errors > 0) 1 else 0)
