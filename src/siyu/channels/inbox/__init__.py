"""The built-in inbox: the staff member's own task list in siyu (我的任务). Nothing leaves siyu."""
