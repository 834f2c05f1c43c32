// Command kinds writes one profile of each kind runtime/pprof has besides heap and allocs
// (cpu, goroutine, block, mutex, threadcreate) into the directory given as its argument, so
// that goalloc's tests can check it refuses them. Std only.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

var sink int

// spin burns CPU long enough for the CPU profiler (100 Hz) to take samples.
func spin(d time.Duration) {
	for end := time.Now().Add(d); time.Now().Before(end); {
		for i := 0; i < 1e5; i++ {
			sink += i * i
		}
	}
}

// contend makes goroutines wait on a mutex (mutex profile) and on a channel (block profile).
func contend() {
	var mu sync.Mutex
	var wg sync.WaitGroup
	ch := make(chan int)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				mu.Lock()
				time.Sleep(50 * time.Microsecond)
				mu.Unlock()
			}
			<-ch
		}()
	}
	time.Sleep(20 * time.Millisecond)
	close(ch)
	wg.Wait()
}

func write(dir, name string, f func(*os.File) error) {
	out, err := os.Create(filepath.Join(dir, name+".pb.gz"))
	if err == nil {
		err = f(out)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(1)
	}
}

func main() {
	dir := os.Args[1]
	runtime.SetBlockProfileRate(1)
	runtime.SetMutexProfileFraction(1)
	write(dir, "cpu", func(f *os.File) error {
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		spin(300 * time.Millisecond)
		pprof.StopCPUProfile()
		return nil
	})
	contend()
	parked := make(chan struct{})
	for i := 0; i < 3; i++ {
		go func() { <-parked }()
	}
	for _, name := range []string{"goroutine", "block", "mutex", "threadcreate"} {
		write(dir, name, func(f *os.File) error { return pprof.Lookup(name).WriteTo(f, 0) })
	}
	close(parked)
}
