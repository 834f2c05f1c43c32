// Command watchsvc is the service the watch and canary tests observe: a steady workload, an
// allocation storm that an HTTP endpoint switches on and off, and the standard debug
// endpoints (net/http/pprof, expvar) that goalloc polls. Standard library only.
//
//	watchsvc -addr 127.0.0.1:0 -memprofilerate 512 [-regress]
//
// It prints "listening on HOST:PORT" once the listener is open. GET /storm?on=1 starts the
// storm (maps made in stormMaps), /storm?on=0 stops it; expvar "storm_maps" counts the maps
// the storm made, so a test can compare what goalloc measured with what really happened.
package main

import (
	"expvar"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

var (
	stormMapsMade = expvar.NewInt("storm_maps")
	stormRunning  = expvar.NewInt("storm_on")
	requests      = expvar.NewInt("workload_requests")

	regress = flag.Bool("regress", false, "tag requests with 16x more labels (the canary's regression)")

	// Sinks keep the allocations on the heap and alive until the next round replaces them.
	mapSink   atomic.Value
	orderSink atomic.Value
)

// stormBatch maps are made per millisecond at most: a storm, but one that leaves the
// machine to the tests beside it.
const stormBatch = 50

// stormMaps makes maps until stop is closed, one batch at a time.
func stormMaps(stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		default:
		}
		for i := 0; i < stormBatch; i++ {
			m := make(map[int]int)
			m[i] = i
			mapSink.Store(m)
		}
		stormMapsMade.Add(stormBatch)
		// Yield a little so the HTTP handlers stay responsive on a busy machine.
		time.Sleep(time.Millisecond)
	}
}

type order struct {
	id     int
	labels []string
	attrs  map[string]string
}

// labelsFor builds a request's labels; the regressed build makes sixteen times as many.
func labelsFor(id int) []string {
	n := 4
	if *regress {
		n = 64
	}
	var labels []string
	for i := 0; i < n; i++ {
		labels = append(labels, "label")
	}
	return labels
}

func handleOrder(id int) *order {
	o := &order{id: id, labels: labelsFor(id), attrs: make(map[string]string, 2)}
	o.attrs["id"] = strconv.Itoa(id)
	return o
}

// workload handles a fixed number of requests per tick, so two copies allocate at the same
// rate and a change in one of them is the code's, not the load's.
func workload(perTick int) {
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	id := 0
	for range tick.C {
		for i := 0; i < perTick; i++ {
			orderSink.Store(handleOrder(id))
			id++
		}
		requests.Add(int64(perTick))
	}
}

type storm struct {
	mu   sync.Mutex
	stop chan struct{}
}

func (s *storm) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.FormValue("on") {
	case "1":
		if s.stop == nil {
			s.stop = make(chan struct{})
			go stormMaps(s.stop)
			stormRunning.Set(1)
		}
	case "0":
		if s.stop != nil {
			close(s.stop)
			s.stop = nil
			stormRunning.Set(0)
		}
	default:
		http.Error(w, "on=1 or on=0", http.StatusBadRequest)
		return
	}
	fmt.Fprintf(w, "storm %s\n", r.FormValue("on"))
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	rate := flag.Int("memprofilerate", runtime.MemProfileRate, "runtime.MemProfileRate")
	perTick := flag.Int("requests", 20, "requests handled every 5ms")
	flag.Parse()
	runtime.MemProfileRate = *rate

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	http.Handle("/storm", &storm{})
	go workload(*perTick)
	fmt.Fprintf(os.Stdout, "listening on %s\n", ln.Addr())
	log.Fatal(http.Serve(ln, nil))
}
