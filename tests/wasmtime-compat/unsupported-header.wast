;;! hogs_memory = true
;;! stack_switching = false
;; A header asking for a runner knob we do not have: the script is skipped
;; (with the reason), never counted as a pass.
(module (memory 16384))
