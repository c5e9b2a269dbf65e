TOKEN = "<T1>"
