//go:build linux

// CAN raw example: the reference's CAN example, with
// github.com/sockspec/socket in place of Python's socket module. It binds a
// CAN_RAW socket to an interface (vcan0 by default), prints every frame it
// receives, sends it back, and sends a frame of its own after each.
//
// Set up a virtual CAN interface first (as root):
//
//	ip link add dev vcan0 type vcan && ip link set up vcan0
//	go run ./examples/can-raw [-iface vcan0] [-count 0]
//
// -count N stops after N frames (0: run forever, as the reference does).
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"log"

	"github.com/sockspec/socket"
)

// CAN frame packing/unpacking (see 'struct can_frame' in <linux/can.h>):
// Python's struct format "=IB3x8s", native byte order.
const canFrameSize = 16

func buildCANFrame(canID uint32, data []byte) []byte {
	f := make([]byte, canFrameSize)
	binary.NativeEndian.PutUint32(f[0:], canID)
	f[4] = byte(len(data))
	copy(f[8:], data)
	return f
}

func dissectCANFrame(f []byte) (canID uint32, dlc byte, data []byte) {
	canID = binary.NativeEndian.Uint32(f[0:])
	dlc = f[4]
	return canID, dlc, f[8 : 8+min(int(dlc), 8)]
}

func main() {
	iface := flag.String("iface", "vcan0", "CAN interface to bind")
	count := flag.Int("count", 0, "stop after this many frames (0: forever)")
	flag.Parse()

	// create a raw socket and bind it to the interface
	s, err := socket.NewSocket(socket.AF_CAN, socket.SOCK_RAW, socket.CAN_RAW)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	if err := s.Bind(socket.CANAddress{Interface: *iface}); err != nil {
		log.Fatal(err)
	}
	for n := 0; *count == 0 || n < *count; n++ {
		cf, _, err := s.RecvFrom(canFrameSize, 0)
		if err != nil {
			log.Fatal(err)
		}
		if len(cf) < canFrameSize {
			log.Fatalf("short CAN frame: %d bytes", len(cf))
		}
		id, dlc, data := dissectCANFrame(cf)
		fmt.Printf("Received: can_id=%x, can_dlc=%x, data=%q\n", id, dlc, data)
		if _, err := s.Send(cf, 0); err != nil {
			fmt.Println("Error sending CAN frame")
		}
		if _, err := s.Send(buildCANFrame(0x01, []byte{1, 2, 3}), 0); err != nil {
			fmt.Println("Error sending CAN frame")
		}
	}
}
