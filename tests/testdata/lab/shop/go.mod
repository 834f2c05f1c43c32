module example.com/labshop

go 1.22
