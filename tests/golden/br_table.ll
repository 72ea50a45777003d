define internal i32 @wasm_func_0(ptr %vmctx, i32 %p0) #0 {
entry:
  %l0 = alloca i32
  store i32 %p0, ptr %l0
  %t11 = getelementptr inbounds i8, ptr %vmctx, i64 64
  %t12 = load ptr, ptr %t11, !invariant.load !{}
  %t13 = load i64, ptr %t12
  %t14 = call ptr @llvm.stacksave.p0()
  %t15 = ptrtoint ptr %t14 to i64
  %t16 = icmp ult i64 %t15, %t13
  br i1 %t16, label %trap_stack_exhausted, label %body1, !prof !0
body1:
  %t6 = load i32, ptr %l0
  switch i32 %t6, label %end3 [ i32 0, label %end5 i32 1, label %end4 i32 2, label %end3 ]
end5:
  %t7 = add i32 10, 1
  br label %end4
end4:
  %t8 = phi i32 [ 10, %body1 ], [ %t7, %end5 ]
  %t9 = add i32 %t8, 2
  br label %end3
end3:
  %t10 = phi i32 [ 10, %body1 ], [ 10, %body1 ], [ %t9, %end4 ]
  ret i32 %t10
trap_stack_exhausted:
  call void @wasmc_trap(ptr %vmctx, i32 10)
  unreachable
}

define internal void @wasm_entry_i_i(ptr %vmctx, ptr %callee, ptr %slots) {
  %ap0 = getelementptr i64, ptr %slots, i64 0
  %a0 = load i32, ptr %ap0
  %r = call i32 %callee(ptr %vmctx, i32 %a0)
  %rp0 = getelementptr i64, ptr %slots, i64 0
  store i32 %r, ptr %rp0
  ret void
}
define internal i32 @wasm_host_i_i(ptr %host, i32 %a0) {
  %slots = alloca [1 x i64], align 8
  %ap0 = getelementptr i64, ptr %slots, i64 0
  store i32 %a0, ptr %ap0
  call void @wasmc_host_call(ptr %host, ptr %slots)
  %rp0 = getelementptr i64, ptr %slots, i64 0
  %r0 = load i32, ptr %rp0
  ret i32 %r0
}
@wasmc_funcs = constant [1 x ptr] [ptr @wasm_func_0]
@wasmc_direct_copies = constant [1 x ptr] [ptr null]
@wasmc_entries = constant [1 x ptr] [ptr @wasm_entry_i_i]
@wasmc_host_adapters = constant [1 x ptr] [ptr @wasm_host_i_i]
declare void @wasmc_host_call(ptr, ptr)
declare void @wasmc_trap(ptr, i32) noreturn cold
declare ptr @llvm.stacksave.p0()
attributes #0 = { "disable-tail-calls"="true" nounwind }
!0 = !{!"branch_weights", i32 1, i32 2000}
!1 = !{!"wasmc"}
!2 = !{!"wasm memory", !1, i64 0}
!3 = !{!2, !2, i64 0}
!4 = !{!"wasm global", !1, i64 0}
!5 = !{!4, !4, i64 0}
!6 = !{!"wasmc runtime", !1, i64 0}
!7 = !{!6, !6, i64 0}
!8 = !{i64 0, i64 2147483648}
