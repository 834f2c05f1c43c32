module example.com/gcprog

go 1.21
