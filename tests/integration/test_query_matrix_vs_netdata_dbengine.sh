#!/usr/bin/env bash
# The query matrix of test_query_matrix_vs_netdata.sh with both parents on
# dbengine, `storage tiers = 3` (issue 13 asks for ram and dbengine).
QM_MODE=dbengine exec bash "$(dirname "$0")/test_query_matrix_vs_netdata.sh"
