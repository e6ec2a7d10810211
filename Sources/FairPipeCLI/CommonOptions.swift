import FairPipe
