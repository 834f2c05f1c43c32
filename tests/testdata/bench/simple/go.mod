module example.com/simple

go 1.21
