print("fairpipe-sweep: see issue 7")
