# R CMD check entry point; scripts/r-lane.sh runs tests/testthat against each engine.
library(testthat)
library(minikerasr)
test_check("minikerasr")
