"""Extra tabs of the task detail screen: metrics, checkpoints, files.

Each pane is a widget built with the task it shows (`TaskPane(task_id, task)`); the screen
calls `task_updated(task)` whenever the task's info changes, and `shown(active)` when its
tab becomes visible or hidden, so a pane polls only while someone looks at it.
"""
