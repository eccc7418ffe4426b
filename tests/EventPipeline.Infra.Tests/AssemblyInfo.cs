// The jsii runtime behind CDK talks to one node process over a pipe and is not thread-safe:
// test classes must not build constructs concurrently.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
