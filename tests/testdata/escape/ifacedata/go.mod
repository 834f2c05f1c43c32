module example.com/ifacedata

go 1.21
