using System.Diagnostics;
using EventPipeline.Local.Emulators;

namespace EventPipeline.Local.Tests.Emulators;

/// <summary>
/// The start-up patches moto_server runs with (<see cref="MotoSite"/>): each finds what it patches in the installed
/// moto, and moto answers as before — checked with moto's in-process backends in the same Python the server uses.
/// Without them every PutEvents to the stack's bus took seconds and moto held a whole core under load.
/// </summary>
public sealed class MotoSiteTests : IDisposable
{
    // Runs in python3 with the written folder first on PYTHONPATH. Prints the patches applied, then checks the patched
    // paths against moto's own answers: a bus with an archive and a rule to a standard queue, a FIFO queue.
    private const string Script = """
        import json, sitecustomize
        import jsonpath_ng.ext
        import boto3
        from moto import mock_aws
        print("applied=" + ",".join(sitecustomize.applied))
        assert hasattr(jsonpath_ng.ext.parse, "cache_info"), "jsonpath parse is not cached"
        with mock_aws():
            kw = dict(region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
            events, sqs = boto3.client("events", **kw), boto3.client("sqs", **kw)
            events.create_event_bus(Name="b")
            events.create_archive(ArchiveName="a", EventSourceArn="arn:aws:events:us-east-1:123456789012:event-bus/b")
            queue = sqs.create_queue(QueueName="q")["QueueUrl"]
            events.put_rule(Name="r", EventBusName="b", EventPattern=json.dumps({"source": ["eventpipeline"]}))
            events.put_targets(Rule="r", EventBusName="b", Targets=[{"Id": "1", "Arn": "arn:aws:sqs:us-east-1:123456789012:q"}])
            entry = {"Source": "eventpipeline", "DetailType": "aggregate.changed", "Detail": json.dumps({"tenant": "t"}), "EventBusName": "b"}
            events.put_events(Entries=[entry] * 3)
            events.put_events(Entries=[dict(entry, Source="other")])
            count = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]["ApproximateNumberOfMessages"]
            assert count == "3", count
            bodies = [json.loads(m["Body"]) for m in sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]]
            assert len(bodies) == 3 and all(b["detail-type"] == "aggregate.changed" and b["detail"] == {"tenant": "t"} for b in bodies), bodies
            archive = events.describe_archive(ArchiveName="a")
            assert archive["EventCount"] == 4, archive
            fifo = sqs.create_queue(QueueName="f.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
            sqs.send_message(QueueUrl=fifo, MessageBody="same", MessageGroupId="g")
            sqs.send_message(QueueUrl=fifo, MessageBody="same", MessageGroupId="g")
            fifo_count = sqs.get_queue_attributes(QueueUrl=fifo, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]["ApproximateNumberOfMessages"]
            assert fifo_count == "1", fifo_count
        print("behaviour=ok")
        """;

    private readonly string _logs = Directory.CreateTempSubdirectory("moto-site-").FullName;

    [EmulatorFact]
    public async Task Write_TheFolderFirstOnPythonPath_AppliesEveryPatchAndMotoAnswersAsBefore()
    {
        var folder = MotoSite.Write(_logs);
        var python = CommandRunner.FindOnPath("python3") ?? throw new InvalidOperationException("python3 is not on PATH");
        var startInfo = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(Script);
        startInfo.Environment["PYTHONPATH"] = MotoSite.PythonPath(folder);
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);

        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"python exited {process.ExitCode}\n{output}\n{await stderr}");
        Assert.Contains("applied=" + string.Join(',', MotoSite.Patches), output, StringComparison.Ordinal);
        Assert.Contains("behaviour=ok", output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_logs, recursive: true);
}
