// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "FairPipe",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "FairPipe", targets: ["FairPipe"]),
        .executable(name: "make-dataset", targets: ["make-dataset"]),
        .executable(name: "train", targets: ["train"]),
        .executable(name: "evaluate", targets: ["evaluate"]),
        .executable(name: "mitigate", targets: ["mitigate"]),
        .executable(name: "report", targets: ["report"]),
        .executable(name: "explain", targets: ["explain"]),
        .executable(name: "fairpipe-sweep", targets: ["fairpipe-sweep"]),
        .executable(name: "monitor", targets: ["monitor"]),
        .executable(name: "fairpipe-bench", targets: ["fairpipe-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
    ],
    targets: [
        // All logic lives here, where the tests reach it.
        .target(
            name: "FairPipe",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The one place that imports ArgumentParser: flags shared by all five stages.
        .target(
            name: "FairPipeCLI",
            dependencies: [
                "FairPipe",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "make-dataset", dependencies: ["FairPipeCLI"]),
        .executableTarget(name: "train", dependencies: ["FairPipeCLI"]),
        .executableTarget(name: "evaluate", dependencies: ["FairPipeCLI"]),
        .executableTarget(name: "mitigate", dependencies: ["FairPipeCLI"]),
        .executableTarget(name: "report", dependencies: ["FairPipeCLI"]),
        .executableTarget(name: "explain", dependencies: ["FairPipeCLI"]),
        .executableTarget(name: "fairpipe-sweep", dependencies: ["FairPipeCLI"]),
        .executableTarget(name: "monitor", dependencies: ["FairPipeCLI"]),
        .executableTarget(name: "fairpipe-bench", dependencies: ["FairPipe"], path: "Sources/bench"),
        .testTarget(
            name: "FairPipeTests",
            dependencies: ["FairPipe"]
        ),
    ]
)
