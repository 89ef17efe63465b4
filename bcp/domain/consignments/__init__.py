"""The goods at stake in an outage: each consignment whose ENS could not be lodged, its ENS
deadline (Delegated Regulation (EU) 2015/2446, Art. 105-109, held as data in
reflexes/deadlines/), the fallback route it went by, and its MRN once it is back in ICS2."""
